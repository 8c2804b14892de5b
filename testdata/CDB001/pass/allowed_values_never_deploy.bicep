@allowed([
  'none'
  'postgres'
])
param database string = 'none'

// No allowed value deploys it.
resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = if (database == 'cosmos') {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: false
  }
}
