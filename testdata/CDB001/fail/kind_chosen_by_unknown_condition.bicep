param useMongo bool

// Keys can be turned off for the NoSQL API (the MongoDB candidate has no RBAC capability):
// reported for the candidate it applies to.
resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  kind: useMongo ? 'MongoDB' : 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: false // expect: CDB001
    disableKeyBasedMetadataWriteAccess: true
  }
}
