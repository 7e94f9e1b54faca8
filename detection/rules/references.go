package rules

// escuReferences returns the references of the ESCU detection with the
// given id, as its YAML lists them (splunk/security_content develop
// @ a063ed32, 2025-08-21), or nil for an id it does not know.
func escuReferences(id string) []string {
	switch id {
	case "bb093c30-d860-4858-a56e-cd0895d5b49c": // Azure AD User Consent Denied for OAuth Application
		return []string{
			"https://attack.mitre.org/techniques/T1528/",
			"https://www.microsoft.com/en-us/security/blog/2022/09/22/malicious-oauth-applications-used-to-compromise-email-servers-and-spread-spam/",
			"https://learn.microsoft.com/en-us/azure/active-directory/manage-apps/protect-against-consent-phishing",
			"https://learn.microsoft.com/en-us/defender-cloud-apps/investigate-risky-oauth",
			"https://www.alteredsecurity.com/post/introduction-to-365-stealer",
			"https://github.com/AlteredSecurity/365-Stealer",
		}
	case "264ea131-ab1f-41b8-90e0-33ad1a1888ea": // Azure AD Multiple Failed MFA Requests For User
		return []string{
			"https://www.mandiant.com/resources/blog/russian-targeting-gov-business",
			"https://arstechnica.com/information-technology/2022/03/lapsus-and-solar-winds-hackers-both-use-the-same-old-trick-to-bypass-mfa/",
			"https://therecord.media/russian-hackers-bypass-2fa-by-annoying-victims-with-repeated-push-notifications/",
			"https://attack.mitre.org/techniques/T1621/",
			"https://attack.mitre.org/techniques/T1078/004/",
			"https://www.cisa.gov/sites/default/files/publications/fact-sheet-implement-number-matching-in-mfa-applications-508c.pdf",
		}
	case "d0895c20-de71-4fd2-b56c-3fcdb888eba1": // Azure AD Multiple Denied MFA Requests For User
		return []string{
			"https://www.mandiant.com/resources/blog/russian-targeting-gov-business",
			"https://arstechnica.com/information-technology/2022/03/lapsus-and-solar-winds-hackers-both-use-the-same-old-trick-to-bypass-mfa/",
			"https://therecord.media/russian-hackers-bypass-2fa-by-annoying-victims-with-repeated-push-notifications/",
			"https://attack.mitre.org/techniques/T1621/",
			"https://attack.mitre.org/techniques/T1078/004/",
			"https://www.cisa.gov/sites/default/files/publications/fact-sheet-implement-number-matching-in-mfa-applications-508c.pdf",
		}
	case "e62c9c2e-bf51-4719-906c-3074618fcc1c": // Azure AD Authentication Failed During MFA Challenge
		return []string{
			"https://attack.mitre.org/techniques/T1621/",
			"https://attack.mitre.org/techniques/T1078/004/",
			"https://docs.microsoft.com/en-us/azure/active-directory/authentication/concept-mfa-howitworks",
			"https://learn.microsoft.com/en-us/entra/identity/monitoring-health/concept-sign-in-log-activity-details",
		}
	case "630b1694-210a-48ee-a450-6f79e7679f2c": // Azure AD High Number Of Failed Authentications For User
		return []string{
			"https://attack.mitre.org/techniques/T1110/",
			"https://attack.mitre.org/techniques/T1110/001/",
		}
	case "e5ab41bf-745d-4f72-a393-2611151afd8e": // Azure AD High Number Of Failed Authentications From Ip
		return []string{
			"https://attack.mitre.org/techniques/T1110/",
			"https://attack.mitre.org/techniques/T1110/001/",
			"https://attack.mitre.org/techniques/T1110/003/",
		}
	case "94481a6a-8f59-4c86-957f-55a71e3612a6": // Azure AD Multiple Users Failing To Authenticate From Ip
		return []string{
			"https://attack.mitre.org/techniques/T1110/003/",
			"https://docs.microsoft.com/en-us/security/compass/incident-response-playbook-password-spray",
			"https://www.cisa.gov/uscert/ncas/alerts/aa21-008a",
			"https://docs.microsoft.com/azure/active-directory/reports-monitoring/reference-sign-ins-error-codes",
		}
	case "3d8d3a36-93b8-42d7-8d91-c5f24cec223d": // Azure AD Unusual Number of Failed Authentications From Ip
		return []string{
			"https://attack.mitre.org/techniques/T1110/003/",
			"https://docs.microsoft.com/en-us/security/compass/incident-response-playbook-password-spray",
			"https://www.cisa.gov/uscert/ncas/alerts/aa21-008a",
			"https://docs.microsoft.com/azure/active-directory/reports-monitoring/reference-sign-ins-error-codes",
		}
	case "be6d868d-33b6-4aaa-912e-724fb555b11a": // Azure AD Successful Authentication From Different Ips
		return []string{
			"https://attack.mitre.org/techniques/T1110",
			"https://attack.mitre.org/techniques/T1110.001",
			"https://attack.mitre.org/techniques/T1110.003",
		}
	case "a9126f73-9a9b-493d-96ec-0dd06695490d": // Azure AD Concurrent Sessions From Different Ips
		return []string{
			"https://attack.mitre.org/techniques/T1185/",
			"https://breakdev.org/evilginx-2-next-generation-of-phishing-2fa-tokens/",
			"https://github.com/kgretzky/evilginx2",
		}
	case "a560e7f6-1711-4353-885b-40be53101fcd": // Azure AD Successful Single-Factor Authentication
		return []string{
			"https://attack.mitre.org/techniques/T1078/004/",
			"https://docs.microsoft.com/en-us/azure/active-directory/authentication/concept-mfa-howitworks*",
			"https://www.forbes.com/sites/daveywinder/2020/07/08/new-dark-web-audit-reveals-15-billion-stolen-logins-from-100000-breaches-passwords-hackers-cybercrime/?sh=69927b2a180f",
		}
	case "d68d8732-6f7e-4ee5-a6eb-737f2b990b91": // Azure AD Device Code Authentication
		return []string{
			"https://attack.mitre.org/techniques/T1528",
			"https://github.com/rvrsh3ll/TokenTactics",
			"https://embracethered.com/blog/posts/2022/device-code-phishing/",
			"https://0xboku.com/2021/07/12/ArtOfDeviceCodePhish.html",
			"https://learn.microsoft.com/en-us/azure/active-directory/develop/v2-oauth2-device-code",
		}
	case "116e11a9-63ea-41eb-a66a-6a13bdc7d2c7": // Azure AD Multi-Source Failed Authentications Spike
		return []string{
			"https://attack.mitre.org/techniques/T1110/003/",
			"https://docs.microsoft.com/en-us/security/compass/incident-response-playbook-password-spray",
			"https://www.cisa.gov/uscert/ncas/alerts/aa21-008a",
			"https://docs.microsoft.com/azure/active-directory/reports-monitoring/reference-sign-ins-error-codes",
		}
	case "5d8bb1f0-f65a-4b4e-af2e-fcdb88276314": // Azure AD Multiple AppIDs and UserAgents Authentication Spike
		return []string{
			"https://attack.mitre.org/techniques/T1078/",
			"https://www.blackhillsinfosec.com/exploiting-mfa-inconsistencies-on-microsoft-services/",
			"https://github.com/dafthack/MFASweep",
			"https://www.youtube.com/watch?v=SK1zgqaAZ2E",
		}
	case "5a2ec401-60bb-474e-b936-1e66e7aa4060": // Azure AD Service Principal Authentication
		return []string{
			"https://attack.mitre.org/techniques/T1078/004/",
			"https://learn.microsoft.com/en-us/entra/identity/monitoring-health/concept-sign-ins#service-principal-sign-ins",
		}
	case "62f10052-d7b3-4e48-b57b-56f8e3ac7ceb": // Azure AD Successful PowerShell Authentication
		return []string{
			"https://attack.mitre.org/techniques/T1078/004/",
			"https://docs.microsoft.com/en-us/powershell/module/azuread/connect-azuread?view=azureadps-2.0",
			"https://securitycafe.ro/2022/04/29/pentesting-azure-recon-techniques/",
			"https://github.com/swisskyrepo/PayloadsAllTheThings/blob/master/Methodology%20and%20Resources/Cloud%20-%20Azure%20Pentest.md",
		}
	case "825fed20-309d-4fd1-8aaf-cd49c1bb093c": // Azure AD Global Administrator Role Assigned
		return []string{
			"https://o365blog.com/post/admin/",
			"https://adsecurity.org/?p=4277",
			"https://www.mandiant.com/resources/detecting-microsoft-365-azure-active-directory-backdoors",
			"https://docs.microsoft.com/en-us/azure/active-directory/roles/security-planning",
			"https://docs.microsoft.com/en-us/azure/role-based-access-control/elevate-access-global-admin",
			"https://attack.mitre.org/techniques/T1098/003/",
		}
	case "f8ba49e7-ffd3-4b53-8f61-e73974583c5d": // Azure AD Service Principal Created
		return []string{
			"https://docs.microsoft.com/en-us/azure/active-directory/develop/app-objects-and-service-principals",
			"https://docs.microsoft.com/en-us/powershell/azure/create-azure-service-principal-azureps?view=azps-8.2.0",
			"https://www.truesec.com/hub/blog/using-a-legitimate-application-to-create-persistence-and-initiate-email-campaigns",
			"https://www.inversecos.com/2021/10/how-to-backdoor-azure-applications-and.html",
			"https://attack.mitre.org/techniques/T1136/003/",
		}
	case "eac4de87-7a56-4538-a21b-277897af6d8d": // Azure AD Application Administrator Role Assigned
		return []string{
			"https://dirkjanm.io/azure-ad-privilege-escalation-application-admin/",
			"https://posts.specterops.io/azure-privilege-escalation-via-service-principal-abuse-210ae2be2a5",
			"https://docs.microsoft.com/en-us/azure/active-directory/roles/concept-understand-roles",
			"https://attack.mitre.org/techniques/T1098/003/",
			"https://learn.microsoft.com/en-us/azure/active-directory/roles/permissions-reference#application-administrator",
		}
	case "fcd6dfeb-191c-46a0-a29c-c306382145ab": // Azure AD PIM Role Assigned
		return []string{
			"https://learn.microsoft.com/en-us/azure/active-directory/privileged-identity-management/pim-configure",
			"https://learn.microsoft.com/en-us/azure/active-directory/privileged-identity-management/pim-how-to-activate-role",
			"https://microsoft.github.io/Azure-Threat-Research-Matrix/PrivilegeEscalation/AZT401/AZT401/",
		}
	case "952e80d0-e343-439b-83f4-808c3e6fbf2e": // Azure AD PIM Role Assignment Activated
		return []string{
			"https://learn.microsoft.com/en-us/azure/active-directory/privileged-identity-management/pim-configure",
			"https://learn.microsoft.com/en-us/azure/active-directory/privileged-identity-management/pim-how-to-activate-role",
			"https://microsoft.github.io/Azure-Threat-Research-Matrix/PrivilegeEscalation/AZT401/AZT401/",
		}
	case "a7da845d-6fae-41cf-b823-6c0b8c55814a": // Azure AD Privileged Authentication Administrator Role Assigned
		return []string{
			"https://learn.microsoft.com/en-us/azure/active-directory/roles/permissions-reference#privileged-authentication-administrator",
			"https://posts.specterops.io/azure-privilege-escalation-via-azure-api-permissions-abuse-74aee1006f48",
			"https://learn.microsoft.com/en-us/azure/active-directory/roles/permissions-reference",
		}
	case "a28f0bc3-3400-4a6e-a2da-89b9e95f0d2a": // Azure AD Privileged Role Assigned
		return []string{
			"https://docs.microsoft.com/en-us/azure/active-directory/roles/concept-understand-roles",
			"https://docs.microsoft.com/en-us/azure/active-directory/roles/permissions-reference",
			"https://adsecurity.org/?p=4277",
			"https://www.mandiant.com/resources/detecting-microsoft-365-azure-active-directory-backdoors",
			"https://docs.microsoft.com/en-us/azure/active-directory/roles/security-planning",
			"https://attack.mitre.org/techniques/T1098/003/",
		}
	case "5dfaa3d3-e2e4-4053-8252-16d9ee528c41": // Azure AD Privileged Role Assigned to Service Principal
		return []string{
			"https://posts.specterops.io/azure-privilege-escalation-via-service-principal-abuse-210ae2be2a5",
		}
	case "9d4fea43-9182-4c5a-ada8-13701fd5615d": // Azure AD Admin Consent Bypassed by Service Principal
		return []string{
			"https://attack.mitre.org/techniques/T1098/003/",
		}
	case "875de3d7-09bc-4916-8c0a-0929f4ced3d8": // Azure AD Block User Consent For Risky Apps Disabled
		return []string{
			"https://attack.mitre.org/techniques/T1562/",
			"https://goodworkaround.com/2020/10/19/a-look-behind-the-azure-ad-permission-classifications-preview/",
			"https://learn.microsoft.com/en-us/entra/identity/enterprise-apps/configure-risk-based-step-up-consent",
			"https://learn.microsoft.com/en-us/defender-cloud-apps/investigate-risky-oauth",
		}
	case "10ec9031-015b-4617-b453-c0c1ab729007": // Azure AD OAuth Application Consent Granted By User
		return []string{
			"https://attack.mitre.org/techniques/T1528/",
			"https://www.microsoft.com/en-us/security/blog/2022/09/22/malicious-oauth-applications-used-to-compromise-email-servers-and-spread-spam/",
			"https://learn.microsoft.com/en-us/azure/active-directory/manage-apps/protect-against-consent-phishing",
			"https://learn.microsoft.com/en-us/defender-cloud-apps/investigate-risky-oauth",
			"https://www.alteredsecurity.com/post/introduction-to-365-stealer",
			"https://github.com/AlteredSecurity/365-Stealer",
		}
	case "dc02c0ee-6ac0-4c7f-87ba-8ce43a4e4418": // Azure AD Tenant Wide Admin Consent Granted
		return []string{
			"https://attack.mitre.org/techniques/T1098/003/",
			"https://www.mandiant.com/resources/blog/remediation-and-hardening-strategies-for-microsoft-365-to-defend-against-unc2452",
			"https://learn.microsoft.com/en-us/security/operations/incident-response-playbook-app-consent",
			"https://learn.microsoft.com/en-us/azure/active-directory/manage-apps/grant-admin-consent?pivots=portal",
			"https://microsoft.github.io/Azure-Threat-Research-Matrix/Persistence/AZT501/AZT501-2/",
		}
	case "06b8ec9a-d3b5-4882-8f16-04b4d10f5eab": // Azure AD User Consent Blocked for Risky Application
		return []string{
			"https://attack.mitre.org/techniques/T1528/",
			"https://www.microsoft.com/en-us/security/blog/2022/09/22/malicious-oauth-applications-used-to-compromise-email-servers-and-spread-spam/",
			"https://learn.microsoft.com/en-us/azure/active-directory/manage-apps/protect-against-consent-phishing",
			"https://learn.microsoft.com/en-us/defender-cloud-apps/investigate-risky-oauth",
			"https://www.alteredsecurity.com/post/introduction-to-365-stealer",
			"https://github.com/AlteredSecurity/365-Stealer",
		}
	case "ae286126-f2ad-421c-b240-4ea83bd1c43a": // Azure AD FullAccessAsApp Permission Assigned
		return []string{
			"https://msrc.microsoft.com/blog/2024/01/microsoft-actions-following-attack-by-nation-state-actor-midnight-blizzard/",
			"https://www.microsoft.com/en-us/security/blog/2024/01/25/midnight-blizzard-guidance-for-responders-on-nation-state-attack/",
			"https://attack.mitre.org/techniques/T1098/002/",
		}
	case "5521f8c5-1aa3-473c-9eb7-853701924a06": // Azure AD Privileged Graph API Permission Assigned
		return []string{
			"https://cloudbrothers.info/en/azure-attack-paths/",
			"https://github.com/mandiant/Mandiant-Azure-AD-Investigator/blob/master/MandiantAzureADInvestigator.json",
			"https://learn.microsoft.com/en-us/graph/permissions-reference",
			"https://www.microsoft.com/en-us/security/blog/2024/01/25/midnight-blizzard-guidance-for-responders-on-nation-state-attack/",
			"https://posts.specterops.io/azure-privilege-escalation-via-azure-api-permissions-abuse-74aee1006f48",
		}
	case "e3adc0d3-9e4b-4b5d-b662-12cec1adff2a": // Azure AD Service Principal New Client Credentials
		return []string{
			"https://attack.mitre.org/techniques/T1098/001/",
			"https://microsoft.github.io/Azure-Threat-Research-Matrix/Persistence/AZT501/AZT501-2/",
			"https://hausec.com/2021/10/26/attacking-azure-azure-ad-part-ii/",
			"https://www.inversecos.com/2021/10/how-to-backdoor-azure-applications-and.html",
			"https://www.mandiant.com/resources/blog/apt29-continues-targeting-microsoft",
			"https://microsoft.github.io/Azure-Threat-Research-Matrix/PrivilegeEscalation/AZT405/AZT405-3/",
		}
	case "29eb39d3-2bc8-49cc-99b3-35593191a588": // Azure AD Service Principal Privilege Escalation
		return []string{
			"https://splunkbase.splunk.com/app/3110",
			"https://splunk.github.io/splunk-add-on-for-microsoft-cloud-services/Install/",
			"https://github.com/mvelazc0/BadZure",
			"https://www.splunk.com/en_us/blog/security/hunting-m365-invaders-navigating-the-shadows-of-midnight-blizzard.html",
			"https://posts.specterops.io/microsoft-breach-what-happened-what-should-azure-admins-do-da2b7e674ebc",
		}
	case "c1fb4edb-cab1-4359-9b40-925ffd797fb5": // Azure AD External Guest User Invited
		return []string{
			"https://dirkjanm.io/assets/raw/US-22-Mollema-Backdooring-and-hijacking-Azure-AD-accounts_final.pdf",
			"https://www.blackhat.com/us-22/briefings/schedule/#backdooring-and-hijacking-azure-ad-accounts-by-abusing-external-identities-26999",
			"https://attack.mitre.org/techniques/T1136/003/",
			"https://docs.microsoft.com/en-us/azure/active-directory/external-identities/b2b-quickstart-add-guest-users-portal",
		}
	case "30c47f45-dd6a-4720-9963-0bca6c8686ef": // Azure AD New Custom Domain Added
		return []string{
			"https://docs.microsoft.com/en-us/azure/active-directory/enterprise-users/domains-manage",
			"https://www.mandiant.com/resources/remediation-and-hardening-strategies-microsoft-365-defend-against-apt29-v13",
			"https://o365blog.com/post/federation-vulnerability/",
			"https://www.inversecos.com/2021/11/how-to-detect-azure-active-directory.html",
			"https://www.mandiant.com/resources/blog/detecting-microsoft-365-azure-active-directory-backdoors",
			"https://attack.mitre.org/techniques/T1484/002/",
		}
	case "a87cd633-076d-4ab2-9047-977751a3c1a0": // Azure AD New Federated Domain Added
		return []string{
			"https://www.mandiant.com/resources/remediation-and-hardening-strategies-microsoft-365-defend-against-apt29-v13",
			"https://o365blog.com/post/federation-vulnerability/",
			"https://www.inversecos.com/2021/11/how-to-detect-azure-active-directory.html",
			"https://www.mandiant.com/resources/blog/detecting-microsoft-365-azure-active-directory-backdoors",
			"https://attack.mitre.org/techniques/T1484/002/",
		}
	case "7ddf2084-6cf3-4a44-be83-474f7b73c701": // Azure AD Service Principal Owner Added
		return []string{
			"https://attack.mitre.org/techniques/T1098/",
		}
	case "1347b9e8-2daa-4a6f-be73-b421d3d9e268": // Azure AD User Enabled And Password Reset
		return []string{
			"https://attack.mitre.org/techniques/T1098/",
		}
	case "0c0badad-4536-4a84-a561-5ff760f3c00e": // Azure AD User ImmutableId Attribute Updated
		return []string{
			"https://docs.microsoft.com/en-us/azure/active-directory/hybrid/plan-connect-design-concepts",
			"https://www.mandiant.com/resources/remediation-and-hardening-strategies-microsoft-365-defend-against-apt29-v13",
			"https://o365blog.com/post/federation-vulnerability/",
			"https://www.inversecos.com/2021/11/how-to-detect-azure-active-directory.html",
			"https://www.mandiant.com/resources/blog/detecting-microsoft-365-azure-active-directory-backdoors",
			"https://attack.mitre.org/techniques/T1098/",
		}
	case "482dd42a-acfa-486b-a0bb-d6fcda27318e": // Azure AD Multi-Factor Authentication Disabled
		return []string{
			"https://docs.microsoft.com/en-us/azure/active-directory/authentication/concept-mfa-howitworks",
			"https://docs.microsoft.com/en-us/azure/active-directory/authentication/howto-mfa-userstates",
			"https://attack.mitre.org/tactics/TA0005/",
			"https://attack.mitre.org/techniques/T1556/",
		}
	case "66cb378f-234d-4fe1-bb4c-e7878ff6b017": // Azure AD Multiple Service Principals Created by SP
		return []string{
			"https://attack.mitre.org/techniques/T1136/003/",
			"https://www.microsoft.com/en-us/security/blog/2024/01/25/midnight-blizzard-guidance-for-responders-on-nation-state-attack/",
		}
	case "32880707-f512-414e-bd7f-204c0c85b758": // Azure AD Multiple Service Principals Created by User
		return []string{
			"https://attack.mitre.org/techniques/T1136/003/",
			"https://www.microsoft.com/en-us/security/blog/2024/01/25/midnight-blizzard-guidance-for-responders-on-nation-state-attack/",
		}
	case "0488e814-eb81-42c3-9f1f-b2244973e3a3": // Azure AD New MFA Method Registered
		return []string{
			"https://attack.mitre.org/techniques/T1098/005/",
			"https://www.microsoft.com/en-us/security/blog/2023/06/08/detecting-and-mitigating-a-multi-stage-aitm-phishing-and-bec-campaign/",
			"https://www.csoonline.com/article/573451/sophisticated-bec-scammers-bypass-microsoft-365-multi-factor-authentication.html",
		}
	case "2628b087-4189-403f-9044-87403f777a1b": // Azure AD New MFA Method Registered For User
		return []string{
			"https://docs.microsoft.com/en-us/azure/active-directory/authentication/concept-mfa-howitworks",
			"https://attack.mitre.org/techniques/T1556/",
			"https://attack.mitre.org/techniques/T1556/006/",
			"https://twitter.com/jhencinski/status/1618660062352007174",
		}
	case "d62852db-a1f1-40db-a7fc-c3d56fa8bda3": // Azure AD AzureHound UserAgent Detected
		return []string{
			"https://github.com/SpecterOps/AzureHound",
			"https://splunkbase.splunk.com/app/3110",
			"https://splunk.github.io/splunk-add-on-for-microsoft-cloud-services/Install/",
		}
	}
	return nil
}
