resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-orders'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    minimalTlsVersion: 'Tls11' // expect: CDB007
    locations: [
      {
        locationName: 'westeurope'
        failoverPriority: 0
      }
    ]
  }
}
