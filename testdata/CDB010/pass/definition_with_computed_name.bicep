param principalId string

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
  }
}

// Its GUID is computed at deployment: it may be the one the assignment names.
resource role 'Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions@2024-05-15' = {
  parent: account
  name: guid(account.id, 'reader')
  properties: {
    roleName: 'reader'
    type: 'CustomRole'
    assignableScopes: [
      account.id
    ]
    permissions: [
      {
        dataActions: [
          'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/read'
        ]
      }
    ]
  }
}

resource access 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: account
  name: guid(account.id, principalId)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/3e2d1c0b-aaaa-4bbb-8ccc-0123456789ab'
    principalId: principalId
    scope: '${account.id}/dbs/app'
  }
}
