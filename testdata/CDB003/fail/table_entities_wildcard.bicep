resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
  name: 'contoso-tables'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      { name: 'EnableTable' }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
  }
}

resource writer 'Microsoft.DocumentDB/databaseAccounts/tableRoleDefinitions@2026-03-15' = {
  parent: account
  name: guid(account.id, 'table-writer')
  properties: {
    roleName: 'table-writer'
    type: 'CustomRole'
    assignableScopes: [
      account.id
    ]
    permissions: [
      {
        dataActions: [
          'Microsoft.DocumentDB/databaseAccounts/readMetadata'
          'Microsoft.DocumentDB/databaseAccounts/tables/containers/entities/*' // expect: CDB003
        ]
      }
    ]
  }
}
