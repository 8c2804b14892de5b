param actions array = []

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: 'contoso-main'
}

resource writer 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-05-15' = {
  parent: account
  name: guid('writer')
  properties: {
    roleName: 'writer'
    type: 'CustomRole'
    assignableScopes: [ account.id ]
    permissions: [
      { dataActions: actions } // expect: CDB003
    ]
  }
}
