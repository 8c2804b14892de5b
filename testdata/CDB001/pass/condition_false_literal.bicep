resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = if (false) {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: false
  }
}
