param subnetId string

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-orders'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    publicNetworkAccess: 'Enabled' // expect: CDB005
    isVirtualNetworkFilterEnabled: false
    virtualNetworkRules: [
      {
        id: subnetId
      }
    ]
    locations: [
      {
        locationName: 'westeurope'
        failoverPriority: 0
      }
    ]
  }
}
