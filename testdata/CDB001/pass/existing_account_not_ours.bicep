resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: 'shared-account'
}

output endpoint string = account.properties.documentEndpoint
