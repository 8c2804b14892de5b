module cosmos './modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    accountName: 'contoso-main'
    disableLocalAuth: false
  }
}
