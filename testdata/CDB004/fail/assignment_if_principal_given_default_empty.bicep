param principalId string = ''

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: 'orders-db'
}

// Created only when a principal is passed; the empty default skips it, a caller that
// passes one gets an account-wide data contributor.
resource assignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = if (!empty(principalId)) {
  parent: account
  name: guid(principalId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'
    principalId: principalId
    scope: account.id // expect: CDB004
  }
}
