resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
  }
}

var writerActions = [
  'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/*'
]

resource writer 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-05-15' = {
  name: '${account.name}/${guid('writer')}'
  properties: {
    roleName: 'writer'
    type: 'CustomRole'
    assignableScopes: [ account.id ]
    permissions: [
      { dataActions: writerActions } // expect: CDB003
    ]
  }
}
