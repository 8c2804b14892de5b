param allowedIps array = [
  '13.91.105.215'
  '0.0.0.0'
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-orders'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    ipRules: [for ip in allowedIps: { ipAddressOrRange: ip }] // expect: CDB006
    locations: [
      {
        locationName: 'westeurope'
        failoverPriority: 0
      }
    ]
  }
}
