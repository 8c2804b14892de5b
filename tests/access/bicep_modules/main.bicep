param appPrincipalId string

module account 'modules/account.bicep' = {
  name: 'account'
  params: {
    name: 'contoso-graph'
  }
}

module access 'modules/access.bicep' = {
  name: 'access'
  params: {
    accountName: 'contoso-graph'
    appPrincipalId: appPrincipalId
  }
  dependsOn: [
    account
  ]
}
