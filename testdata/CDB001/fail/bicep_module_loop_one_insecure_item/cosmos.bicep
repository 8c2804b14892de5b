param accountName string
param disableLocalAuth bool

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: accountName
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: disableLocalAuth // expect: CDB001
    disableKeyBasedMetadataWriteAccess: true
  }
}
