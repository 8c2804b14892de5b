param name string

resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
  name: name
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      { name: 'EnableGremlin' }
    ]
    disableLocalAuth: true
  }
}

resource contributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, 'ops')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b24988ac-6180-42a0-ab88-20f7382dd24c')
    principalId: '44444444-5555-6666-7777-888888888888'
  }
}

resource graphs 'Microsoft.DocumentDB/databaseAccounts/gremlinRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, 'graphs')
  properties: {
    roleDefinitionId: '${account.id}/gremlinRoleDefinitions/00000000-0000-0000-0000-000000000004'
    principalId: '55555555-6666-7777-8888-999999999999'
    scope: '${account.id}/dbs/social/colls/people'
  }
}
