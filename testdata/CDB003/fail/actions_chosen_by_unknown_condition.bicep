param readOnly bool

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: 'orders-db'
}

resource role 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-05-15' = {
  parent: account
  name: guid('app-role')
  properties: {
    roleName: 'app'
    type: 'CustomRole'
    assignableScopes: [
      account.id
    ]
    permissions: [
      {
        dataActions: readOnly ? [
          'Microsoft.DocumentDB/databaseAccounts/readMetadata'
        ] : [
          'Microsoft.DocumentDB/databaseAccounts/*' // expect: CDB003
        ]
      }
    ]
  }
}
