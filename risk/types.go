package risk

// ObjectType is the type of a risk object: the risk_object_type of a risk
// event.
type ObjectType string

// The risk object types that Splunk ES and contentctl know by default.
const (
	User   ObjectType = "user"
	System ObjectType = "system"
	Other  ObjectType = "other"
)

// Valid reports whether t is one of [User], [System] or [Other]. ES lets an
// administrator add custom types, but ESCU detections use only these three.
func (t ObjectType) Valid() bool {
	switch t {
	case User, System, Other:
		return true
	}
	return false
}

// ThreatObjectType is the type of a threat object: an element of a risk
// event's threat_object_type. The valid values are contentctl's
// ThreatObjectType enumeration.
type ThreatObjectType string

// The threat object types of contentctl. The type named "system" is
// [ThreatSystem], because [System] is the risk object type of that name.
const (
	CertificateCommonName   ThreatObjectType = "certificate_common_name"
	CertificateOrganization ThreatObjectType = "certificate_organization"
	CertificateSerial       ThreatObjectType = "certificate_serial"
	CertificateUnit         ThreatObjectType = "certificate_unit"
	Command                 ThreatObjectType = "command"
	Domain                  ThreatObjectType = "domain"
	EmailAddress            ThreatObjectType = "email_address"
	EmailSubject            ThreatObjectType = "email_subject"
	FileHash                ThreatObjectType = "file_hash"
	FileName                ThreatObjectType = "file_name"
	FilePath                ThreatObjectType = "file_path"
	HTTPUserAgent           ThreatObjectType = "http_user_agent"
	IPAddress               ThreatObjectType = "ip_address"
	Process                 ThreatObjectType = "process"
	ProcessName             ThreatObjectType = "process_name"
	ParentProcess           ThreatObjectType = "parent_process"
	ParentProcessName       ThreatObjectType = "parent_process_name"
	ProcessHash             ThreatObjectType = "process_hash"
	RegistryPath            ThreatObjectType = "registry_path"
	RegistryValueName       ThreatObjectType = "registry_value_name"
	RegistryValueText       ThreatObjectType = "registry_value_text"
	Service                 ThreatObjectType = "service"
	Signature               ThreatObjectType = "signature"
	ThreatSystem            ThreatObjectType = "system"
	TLSHash                 ThreatObjectType = "tls_hash"
	URL                     ThreatObjectType = "url"
)

// Valid reports whether t is one of the threat object types above.
func (t ThreatObjectType) Valid() bool {
	switch t {
	case CertificateCommonName, CertificateOrganization, CertificateSerial,
		CertificateUnit, Command, Domain, EmailAddress, EmailSubject,
		FileHash, FileName, FilePath, HTTPUserAgent, IPAddress, Process,
		ProcessName, ParentProcess, ParentProcessName, ProcessHash,
		RegistryPath, RegistryValueName, RegistryValueText, Service,
		Signature, ThreatSystem, TLSHash, URL:
		return true
	}
	return false
}
