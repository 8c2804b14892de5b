param minimalTlsVersion string

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-orders'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    minimalTlsVersion: minimalTlsVersion
    locations: [
      {
        locationName: 'westeurope'
        failoverPriority: 0
      }
    ]
  }
}
