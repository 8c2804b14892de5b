param roleDefinitionId string

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
  }
}

resource assignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: account
  name: guid('app', account.id)
  properties: {
    roleDefinitionId: roleDefinitionId
    principalId: '11111111-2222-3333-4444-555555555555'
    scope: account.id // expect: CDB004
  }
}
