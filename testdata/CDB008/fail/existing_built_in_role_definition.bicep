param principalId string

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
  }
}

resource accountContributor 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  name: '5bd9cd88-fe45-4216-938b-f97437e15450'
}

resource ops 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, principalId, accountContributor.id)
  properties: {
    roleDefinitionId: accountContributor.id // expect: CDB008
    principalId: principalId
  }
}
