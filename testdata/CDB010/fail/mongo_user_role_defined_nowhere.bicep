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

resource ordersWriter 'Microsoft.DocumentDB/databaseAccounts/mongodbRoleDefinitions@2024-08-15' = {
  parent: account
  name: 'sales.ordersWriter'
  properties: {
    roleName: 'ordersWriter'
    type: 'CustomRole'
    databaseName: 'sales'
    privileges: [
      {
        resource: { db: 'sales', collection: 'orders' }
        actions: [ 'find', 'insert', 'update' ]
      }
    ]
    roles: []
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
      { db: 'sales', role: 'ordersWriter' }
      // The role is defined in `sales`, not in `archive`.
      { db: 'archive', role: 'ordersWriter' } // expect: CDB010
    ]
  }
}
