resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
  }
}

resource reader 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-05-15' = {
  parent: account
  name: guid('reader')
  properties: {
    roleName: 'reader'
    type: 'CustomRole'
    assignableScopes: [ '${account.id}/dbs/orders' ]
    permissions: [
      {
        dataActions: [
          'Microsoft.DocumentDB/databaseAccounts/readMetadata'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/executeQuery'
        ]
      }
    ]
  }
}
