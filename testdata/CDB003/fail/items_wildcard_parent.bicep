resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
  }
}

resource writer 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-05-15' = {
  parent: account
  name: guid(account.id, 'writer')
  properties: {
    roleName: 'writer'
    type: 'CustomRole'
    assignableScopes: [
      account.id
    ]
    permissions: [
      {
        dataActions: [
          'Microsoft.DocumentDB/databaseAccounts/readMetadata'
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/*' // expect: CDB003
        ]
      }
    ]
  }
}
