param principalId string

resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
  name: 'contoso-tables'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      { name: 'EnableTable' }
    ]
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
  }
}

resource appAccess 'Microsoft.DocumentDB/databaseAccounts/tableRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, principalId, 'table-contributor')
  properties: {
    roleDefinitionId: '${account.id}/tableRoleDefinitions/00000000-0000-0000-0000-000000000002'
    principalId: principalId
    scope: account.id // expect: CDB004
  }
}
