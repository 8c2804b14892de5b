resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-orders'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    ipRules: [
      {
        ipAddressOrRange: '52.174.16.0/24'
      }
      {
        ipAddressOrRange: '0.0.0.0/0' // expect: CDB006
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
