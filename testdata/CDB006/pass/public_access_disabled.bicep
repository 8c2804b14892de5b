// The IP firewall is not consulted when public network access is disabled.
resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-orders'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    publicNetworkAccess: 'Disabled'
    ipRules: [
      {
        ipAddressOrRange: '0.0.0.0'
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
