param hardened bool

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableKeyBasedMetadataWriteAccess: true
    ...(hardened ? { disableLocalAuth: true } : { disableLocalAuth: false }) // expect: CDB001
  }
}
