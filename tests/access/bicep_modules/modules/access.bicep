param accountName string
param appPrincipalId string

resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' existing = {
  name: accountName
}

resource reader 'Microsoft.DocumentDB/databaseAccounts/gremlinRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, appPrincipalId)
  properties: {
    roleDefinitionId: '${account.id}/gremlinRoleDefinitions/00000000-0000-0000-0000-000000000003'
    principalId: appPrincipalId
    scope: '${account.id}/dbs/social'
  }
}
