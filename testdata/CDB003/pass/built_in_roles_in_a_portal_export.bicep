// A portal export lists the service's built-in roles; their wildcards are Azure's, not the author's.
resource account 'Microsoft.DocumentDB/databaseAccounts@2025-05-01-preview' = {
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

resource contributor 'Microsoft.DocumentDB/databaseAccounts/cassandraRoleDefinitions@2025-05-01-preview' = {
  parent: account
  name: '00000000-0000-0000-0000-000000000004'
  properties: {
    roleName: 'Cosmos DB Built-in Data Contributor'
    type: 'BuiltInRole'
    assignableScopes: [
      account.id
    ]
    permissions: [
      {
        dataActions: [
          'Microsoft.DocumentDB/databaseAccounts/readMetadata'
          'Microsoft.DocumentDB/databaseAccounts/throughputSettings/read'
          'Microsoft.DocumentDB/databaseAccounts/throughputSettings/write'
          'Microsoft.DocumentDB/databaseAccounts/cassandra/*'
          'Microsoft.DocumentDB/databaseAccounts/cassandra/containers/*'
          'Microsoft.DocumentDB/databaseAccounts/cassandra/containers/entities/*'
        ]
      }
    ]
  }
}
