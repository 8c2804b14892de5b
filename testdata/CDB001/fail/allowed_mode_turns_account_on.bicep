@allowed([
  'none'
  'cosmos'
])
param database string = 'none'

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = if (database == 'cosmos') {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: false // expect: CDB001
  }
}
