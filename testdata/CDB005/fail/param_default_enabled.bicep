@allowed(['Enabled', 'Disabled'])
param publicNetworkAccess string = 'Enabled'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-orders'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    publicNetworkAccess: publicNetworkAccess // expect: CDB005
    ipRules: []
    locations: [
      {
        locationName: 'westeurope'
        failoverPriority: 0
      }
    ]
  }
}
