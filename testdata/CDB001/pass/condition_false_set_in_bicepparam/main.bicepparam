using 'main.bicep'

param deployCosmos = false
