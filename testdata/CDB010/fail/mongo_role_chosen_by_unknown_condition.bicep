param readOnly bool

@secure()
param appPassword string

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-08-15' = {
  name: 'orders-mongo'
  location: 'westeurope'
  kind: 'MongoDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      { name: 'EnableMongoRoleBasedAccessControl' }
    ]
    locations: [
      { locationName: 'westeurope', failoverPriority: 0 }
    ]
  }
}

resource app 'Microsoft.DocumentDB/databaseAccounts/mongodbUserDefinitions@2024-08-15' = {
  parent: account
  name: 'sales.app'
  properties: {
    userName: 'app'
    password: appPassword
    databaseName: 'sales'
    mechanisms: 'SCRAM-SHA-256'
    roles: [
      // `read` is built in; `ordersEditor` is defined nowhere.
      { db: 'sales', role: readOnly ? 'read' : 'ordersEditor' } // expect: CDB010
    ]
  }
}
