param names array = []

resource accounts 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = [for name in names: {
  name: name
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: false // expect: CDB001
  }
}]
