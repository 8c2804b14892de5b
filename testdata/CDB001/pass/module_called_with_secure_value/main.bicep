module cosmos './modules/cosmos.bicep' = {
  name: 'cosmos'
  params: {
    disableLocalAuth: true
  }
}
