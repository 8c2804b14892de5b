@allowed([
  'Disabled'
  'SecuredByPerimeter'
])
param publicNetworkAccess string

// Every allowed value closes the public endpoint.
resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    publicNetworkAccess: publicNetworkAccess
  }
}
