resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = { // expect: CDB001
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableKeyBasedMetadataWriteAccess: true
  }
}
