resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
  }
}

param principalIds array = [
  '11111111-2222-3333-4444-555555555555'
]

resource assignments 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = [for principalId in principalIds: {
  name: '${account.name}/${guid(principalId)}'
  properties: {
    roleDefinitionId: resourceId('Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions', account.name, '00000000-0000-0000-0000-000000000001')
    principalId: principalId
    scope: resourceId('Microsoft.DocumentDB/databaseAccounts', account.name) // expect: CDB004
  }
}]
