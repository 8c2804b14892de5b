param deployCosmos bool = false

// The module's file is linted through this call, though only a parameter nobody set
// turns it on.
module cosmos 'cosmos.bicep' = if (deployCosmos) {
  name: 'cosmos'
  params: {
    accountName: 'contoso'
  }
}
