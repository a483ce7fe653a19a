; Inno Setup script for Steward on Windows (what stewards' laptops run). Build on Windows, see installer/README.md:
;   make installer  (or the pyinstaller command there), then  iscc installer\steward.iss
; Per-user install: no administrator rights, the program under %LOCALAPPDATA%\Programs\Steward; profiles live in
; %LOCALAPPDATA%\Steward, outside the install folder, so uninstalling never touches a steward's data.

#define AppVersion GetEnv("STEWARD_VERSION")
#if AppVersion == ""
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6F1C7E0A-5D1B-4C55-9E61-5B0F1C2A7D11}
AppName=环保管家 Steward
AppVersion={#AppVersion}
AppPublisher=Steward
DefaultDirName={localappdata}\Programs\Steward
DefaultGroupName=环保管家 Steward
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\dist
OutputBaseFilename=Steward-{#AppVersion}-setup
SetupIconFile=..\resources\icons\steward.ico
UninstallDisplayIcon={app}\steward-app.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\dist\steward\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\环保管家 Steward"; Filename: "{app}\steward-app.exe"
Name: "{group}\卸载 环保管家 Steward"; Filename: "{uninstallexe}"
Name: "{autodesktop}\环保管家 Steward"; Filename: "{app}\steward-app.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\steward-app.exe"; Description: "{cm:LaunchProgram,环保管家 Steward}"; Flags: nowait postinstall skipifsilent

; Nothing under [UninstallDelete]: the uninstaller removes only what it installed. %LOCALAPPDATA%\Steward (profiles,
; photos, backups, logs) stays, so reinstalling or updating finds every visit where it was.
