module roles './roles.bicep' = {
  name: 'roles'
  params: {
    actions: [
      'Microsoft.DocumentDB/databaseAccounts/*'
    ]
  }
}
