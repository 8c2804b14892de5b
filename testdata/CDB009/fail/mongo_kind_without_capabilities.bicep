resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = { // expect: CDB009
  name: 'contoso-orders'
  location: 'westeurope'
  kind: 'MongoDB'
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
