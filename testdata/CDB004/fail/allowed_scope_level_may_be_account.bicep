@allowed([
  'account'
  'database'
])
param level string

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: 'orders-db'
}

resource assignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: account
  name: guid('reader')
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000001'
    principalId: '11111111-2222-3333-4444-555555555555'
    scope: level == 'account' ? account.id : '${account.id}/dbs/app' // expect: CDB004
  }
}
