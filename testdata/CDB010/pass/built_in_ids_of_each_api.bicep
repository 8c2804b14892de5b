param principalId string

resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
  name: 'contoso-cql'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      { name: 'EnableCassandra' }
    ]
    disableLocalAuth: true
  }
}

resource writer 'Microsoft.DocumentDB/databaseAccounts/cassandraRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, principalId, 'writer')
  properties: {
    roleDefinitionId: '${account.id}/cassandraRoleDefinitions/00000000-0000-0000-0000-000000000004'
    principalId: principalId
    scope: '${account.id}/dbs/orders'
  }
}

resource reader 'Microsoft.DocumentDB/databaseAccounts/cassandraRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, principalId, 'reader')
  properties: {
    roleDefinitionId: '${account.id}/cassandraRoleDefinitions/00000000-0000-0000-0000-000000000003'
    principalId: principalId
    scope: '${account.id}/dbs/orders'
  }
}
