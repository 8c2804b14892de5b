resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = { // expect: CDB011
  name: 'contoso-orders'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: 'westeurope'
        failoverPriority: 0
      }
    ]
  }
}
