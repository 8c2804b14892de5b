param accountName string
param disableLocalAuth bool = true

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: accountName
  location: resourceGroup().location
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: disableLocalAuth // expect: CDB001
    disableKeyBasedMetadataWriteAccess: true
  }
}
