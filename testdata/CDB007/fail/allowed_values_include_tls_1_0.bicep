@allowed([
  'Tls'
  'Tls12'
])
param minimalTlsVersion string

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    minimalTlsVersion: minimalTlsVersion // expect: CDB007
  }
}
