module cosmos 'cosmos.bicep' = if (false) {
  name: 'cosmos'
}
