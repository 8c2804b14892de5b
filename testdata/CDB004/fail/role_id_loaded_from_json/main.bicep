resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
  }
}

var roles = loadJsonContent('roles.json')
var writerRoleId = loadJsonContent('roles.json', '$.cosmos.dataContributor')

resource reader 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: account
  name: guid('reader', account.id)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${roles.cosmos.dataReader}'
    principalId: '11111111-2222-3333-4444-555555555555'
    scope: account.id // expect: CDB004
  }
}

resource writer 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: account
  name: guid('writer', account.id)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${writerRoleId}'
    principalId: '11111111-2222-3333-4444-555555555555'
    scope: account.id // expect: CDB004
  }
}
