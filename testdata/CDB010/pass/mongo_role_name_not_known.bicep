param roleName string

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

// Its name is a parameter without a value: it may be the role the user names.
resource custom 'Microsoft.DocumentDB/databaseAccounts/mongodbRoleDefinitions@2024-08-15' = {
  parent: account
  name: 'sales.${roleName}'
  properties: {
    roleName: roleName
    type: 'CustomRole'
    databaseName: 'sales'
    privileges: [
      {
        resource: { db: 'sales', collection: 'orders' }
        actions: [ 'find' ]
      }
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
      { db: 'sales', role: 'ordersWriter' }
      { db: 'sales', role: 'read' }
    ]
  }
}
