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

// Defined by another deployment: it exists, though its privileges are not here.
resource auditor 'Microsoft.DocumentDB/databaseAccounts/mongodbRoleDefinitions@2024-08-15' existing = {
  parent: account
  name: 'sales.auditor'
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
      { db: 'sales', role: 'auditor' }
    ]
  }
}
