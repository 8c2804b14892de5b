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
    disableKeyBasedMetadataWriteAccess: true
  }
}

resource keyspace 'Microsoft.DocumentDB/databaseAccounts/cassandraKeyspaces@2026-03-15' = {
  parent: account
  name: 'orders'
  properties: {
    resource: { id: 'orders' }
  }
}

resource keyspaceAccess 'Microsoft.DocumentDB/databaseAccounts/cassandraRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, principalId, 'keyspace')
  properties: {
    roleDefinitionId: '${account.id}/cassandraRoleDefinitions/00000000-0000-0000-0000-000000000004'
    principalId: principalId
    scope: '${account.id}/dbs/orders'
  }
}

resource tableAccess 'Microsoft.DocumentDB/databaseAccounts/cassandraRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, principalId, 'table')
  properties: {
    roleDefinitionId: '${account.id}/cassandraRoleDefinitions/00000000-0000-0000-0000-000000000003'
    principalId: principalId
    scope: '${account.id}/dbs/orders/colls/lines'
  }
}

resource viaResource 'Microsoft.DocumentDB/databaseAccounts/cassandraRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, principalId, 'ref')
  properties: {
    roleDefinitionId: '${account.id}/cassandraRoleDefinitions/00000000-0000-0000-0000-000000000003'
    principalId: principalId
    scope: keyspace.id
  }
}
