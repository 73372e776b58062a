<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>DateField</name>
    <message>
        <source>not set</source>
        <translation>sin fecha</translation>
    </message>
</context>
<context>
    <name>DischargeDialog</name>
    <message>
        <source>Discharged on *</source>
        <translation>Fecha de alta *</translation>
    </message>
    <message>
        <source>Reason *</source>
        <translation>Motivo *</translation>
    </message>
    <message>
        <source>Discharge</source>
        <translation>Dar de alta</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Discharge {name}</source>
        <translation>Dar de alta a {name}</translation>
    </message>
    <message>
        <source>Discharge {name} (MRN {mrn}). The chart stays searchable with “Show discharged”, and the patient can be readmitted later.</source>
        <translation>Dar de alta a {name} (n.º de historia {mrn}). La historia se puede seguir buscando con «Mostrar altas» y el paciente puede reingresar más adelante.</translation>
    </message>
    <message>
        <source>Not discharged</source>
        <translation>No se dio de alta</translation>
    </message>
</context>
<context>
    <name>LanguageBox</name>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>Language of the screens</source>
        <translation>Idioma de las pantallas</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Idioma del sistema</translation>
    </message>
    <message>
        <source>Takes effect the next time CareCoord starts. Letters stay in the clinic’s language.</source>
        <translation>Se aplica la próxima vez que se abra CareCoord. Las cartas siguen en el idioma de la clínica.</translation>
    </message>
    <message>
        <source>Screens:</source>
        <translation>Pantallas:</translation>
    </message>
</context>
<context>
    <name>ListPrinting</name>
    <message>
        <source>Printed {when} by {user}</source>
        <translation>Impreso el {when} por {user}</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>Filtros</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
    <message>
        <source>No rows in this view.</source>
        <translation>No hay filas en esta vista.</translation>
    </message>
    <message>
        <source>Page {page} of {total}</source>
        <translation>Página {page} de {total}</translation>
    </message>
    <message>
        <source>Print list — {view}</source>
        <translation>Imprimir lista — {view}</translation>
    </message>
    <message>
        <source>First {shown} rows only: narrow the search to print the others</source>
        <translation>Solo las primeras {shown} filas: acote la búsqueda para imprimir las demás</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Sections</source>
        <translation>Secciones</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>New patient…</source>
        <translation>Nuevo paciente…</translation>
    </message>
    <message>
        <source>Find patient…</source>
        <translation>Buscar paciente…</translation>
    </message>
    <message>
        <source>Print list…</source>
        <translation>Imprimir lista…</translation>
    </message>
    <message>
        <source>Close window</source>
        <translation>Cerrar ventana</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Salir</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Ir a</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <source>About CareCoord</source>
        <translation>Acerca de CareCoord</translation>
    </message>
    <message>
        <source>Signed in as {name} ({role})</source>
        <translation>Sesión iniciada como {name} ({role})</translation>
    </message>
    <message>
        <source>this workstation</source>
        <translation>este equipo</translation>
    </message>
    <message>
        <source>shared server</source>
        <translation>servidor compartido</translation>
    </message>
    <message>
        <source>Database: {url} ({where})</source>
        <translation>Base de datos: {url} ({where})</translation>
    </message>
    <message>
        <source>DEMO — fictional patients</source>
        <translation>DEMO — pacientes ficticios</translation>
    </message>
    <message>
        <source> — DEMO</source>
        <translation> — DEMO</translation>
    </message>
    <message>
        <source>Reports to review</source>
        <translation>Informes por revisar</translation>
    </message>
    <message>
        <source>Reports to review: {count} waiting</source>
        <translation>Informes por revisar: {count} pendientes</translation>
    </message>
    <message>
        <source>CareCoord {version}
Care coordination for multidisciplinary pain clinics.</source>
        <translation>CareCoord {version}
Coordinación asistencial para unidades multidisciplinares del dolor.</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Panel</translation>
    </message>
    <message>
        <source>Patients</source>
        <translation>Pacientes</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>Derivaciones</translation>
    </message>
    <message>
        <source>Intake</source>
        <translation>Derivaciones recibidas</translation>
    </message>
    <message>
        <source>My patients</source>
        <translation>Mis pacientes</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Equipo</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Configuración</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation>Registro de auditoría</translation>
    </message>
    <message>
        <source>&amp;Account</source>
        <translation>&amp;Cuenta</translation>
    </message>
    <message>
        <source>Change password…</source>
        <translation>Cambiar contraseña…</translation>
    </message>
    <message>
        <source>Lock now</source>
        <translation>Bloquear ahora</translation>
    </message>
    <message>
        <source>Emergency access (break-glass)…</source>
        <translation>Acceso de emergencia (romper el cristal)…</translation>
    </message>
    <message>
        <source>End emergency access</source>
        <translation>Terminar el acceso de emergencia</translation>
    </message>
    <message>
        <source>Manage users…</source>
        <translation>Gestionar usuarios…</translation>
    </message>
</context>
<context>
    <name>MyPatientsPage</name>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>MRN</source>
        <translation>N.º de historia</translation>
    </message>
    <message>
        <source>Plan</source>
        <translation>Plan</translation>
    </message>
    <message>
        <source>Plan status</source>
        <translation>Estado del plan</translation>
    </message>
    <message>
        <source>Next review</source>
        <translation>Próxima revisión</translation>
    </message>
    <message>
        <source>My patients</source>
        <translation>Mis pacientes</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>Your account is not linked to a team member. Ask the administrator to link it in Users.</source>
        <translation>Su cuenta no está vinculada a un miembro del equipo. Pida al administrador que la vincule en Usuarios.</translation>
    </message>
    <message>
        <source>Open chart</source>
        <translation>Abrir historia</translation>
    </message>
    <message>
        <source>Open the selected patient&apos;s chart (Enter or double-click)</source>
        <translation>Abrir la historia del paciente seleccionado (Intro o doble clic)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>No patient has you on their current care team.</source>
        <translation>Ningún paciente le tiene en su equipo de atención actual.</translation>
    </message>
    <message>
        <source>The first {count} patients by name.</source>
        <translation>Los primeros {count} pacientes por nombre.</translation>
    </message>
    <message>
        <source>{count} patients.</source>
        <translation>{count} pacientes.</translation>
    </message>
</context>
<context>
    <name>PatientForm</name>
    <message>
        <source> (discharged)</source>
        <translation> (dado de alta)</translation>
    </message>
    <message>
        <source>• {name}, born {born}, MRN {mrn}</source>
        <translation>• {name}, nacido/a el {born}, n.º de historia {mrn}</translation>
    </message>
    <message>
        <source>Possible duplicate patient</source>
        <translation>Posible paciente duplicado</translation>
    </message>
    <message>
        <source>A patient with the same name and date of birth is already registered:</source>
        <translation>Ya hay registrado un paciente con el mismo nombre y fecha de nacimiento:</translation>
    </message>
    <message>
        <source>Open the existing chart instead if this is the same person. Save anyway only for a different person.</source>
        <translation>Si es la misma persona, abra la historia existente. Guarde de todos modos solo si se trata de otra persona.</translation>
    </message>
    <message>
        <source>Open the existing chart</source>
        <translation>Abrir la historia existente</translation>
    </message>
    <message>
        <source>Open the chart of MRN {mrn}</source>
        <translation>Abrir la historia n.º {mrn}</translation>
    </message>
    <message>
        <source>Save anyway</source>
        <translation>Guardar de todos modos</translation>
    </message>
    <message>
        <source>Go back</source>
        <translation>Volver</translation>
    </message>
    <message>
        <source>New patient</source>
        <translation>Nuevo paciente</translation>
    </message>
    <message>
        <source>Edit patient</source>
        <translation>Editar paciente</translation>
    </message>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>Family name *</source>
        <translation>Apellidos *</translation>
    </message>
    <message>
        <source>Given name *</source>
        <translation>Nombre *</translation>
    </message>
    <message>
        <source>Middle name</source>
        <translation>Segundo nombre</translation>
    </message>
    <message>
        <source>Date of birth *</source>
        <translation>Fecha de nacimiento *</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Sexo</translation>
    </message>
    <message>
        <source>MRN</source>
        <translation>N.º de historia</translation>
    </message>
    <message>
        <source>Assigned automatically when left blank.</source>
        <translation>Se asigna automáticamente si se deja en blanco.</translation>
    </message>
    <message>
        <source>Contact and insurance</source>
        <translation>Contacto y seguro</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>Preferred language</source>
        <translation>Idioma preferido</translation>
    </message>
    <message>
        <source>Insurance payer</source>
        <translation>Aseguradora</translation>
    </message>
    <message>
        <source>Member id</source>
        <translation>N.º de afiliado</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notas</translation>
    </message>
    <message>
        <source>Save patient</source>
        <translation>Guardar paciente</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Fields marked * are required.</source>
        <translation>Los campos marcados con * son obligatorios.</translation>
    </message>
    <message>
        <source>Edit patient — {name}</source>
        <translation>Editar paciente — {name}</translation>
    </message>
    <message>
        <source>Patient not saved</source>
        <translation>No se guardó el paciente</translation>
    </message>
</context>
<context>
    <name>PatientSearchModel</name>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>MRN</source>
        <translation>N.º historia</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>F. nacimiento</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Edad</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>Sexo</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>{name}, MRN {mrn}</source>
        <translation>{name}, n.º de historia {mrn}</translation>
    </message>
</context>
<context>
    <name>PatientsPage</name>
    <message>
        <source>Readmit patient</source>
        <translation>Reingresar paciente</translation>
    </message>
    <message>
        <source>Return {name} (MRN {mrn}) to active care?</source>
        <translation>¿Volver a poner a {name} (n.º de historia {mrn}) en seguimiento activo?</translation>
    </message>
    <message>
        <source>Search patients</source>
        <translation>Buscar pacientes</translation>
    </message>
    <message>
        <source>Search by name (“smith jo” or “smith, jo”), MRN, or date of birth (YYYY-MM-DD or MM/DD/YYYY)</source>
        <translation>Buscar por nombre («garcía jo» o «garcía, jo»), n.º de historia o fecha de nacimiento (AAAA-MM-DD o MM/DD/AAAA)</translation>
    </message>
    <message>
        <source>Show discharged</source>
        <translation>Mostrar altas</translation>
    </message>
    <message>
        <source>Show discharged patients</source>
        <translation>Mostrar pacientes dados de alta</translation>
    </message>
    <message>
        <source>Patients</source>
        <translation>Pacientes</translation>
    </message>
    <message>
        <source>New patient…</source>
        <translation>Nuevo paciente…</translation>
    </message>
    <message>
        <source>Register a new patient ({keys})</source>
        <translation>Registrar un paciente nuevo ({keys})</translation>
    </message>
    <message>
        <source>Open chart</source>
        <translation>Abrir historia</translation>
    </message>
    <message>
        <source>Open the selected patient&apos;s chart (Enter or double-click)</source>
        <translation>Abrir la historia del paciente seleccionado (Intro o doble clic)</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Editar…</translation>
    </message>
    <message>
        <source>Discharge…</source>
        <translation>Dar de alta…</translation>
    </message>
    <message>
        <source>Search: {text}</source>
        <translation>Búsqueda: {text}</translation>
    </message>
    <message>
        <source>Discharged patients shown</source>
        <translation>Incluye pacientes dados de alta</translation>
    </message>
    <message>
        <source>Active patients only</source>
        <translation>Solo pacientes activos</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Buscar</translation>
    </message>
    <message>
        <source>born {date}</source>
        <translation>nacidos el {date}</translation>
    </message>
    <message>
        <source>with an MRN starting {prefix}</source>
        <translation>con n.º de historia que empieza por {prefix}</translation>
    </message>
    <message>
        <source>named “{text}”</source>
        <translation>llamados «{text}»</translation>
    </message>
    <message>
        <source>Check the spelling, or try the MRN or the date of birth</source>
        <translation>Revise la ortografía o pruebe con el n.º de historia o la fecha de nacimiento</translation>
    </message>
    <message>
        <source>Use “New patient…” to register one</source>
        <translation>Use «Nuevo paciente…» para registrarlo</translation>
    </message>
    <message>
        <source>No patients are registered yet: use “New patient…” to add the first</source>
        <translation>Aún no hay pacientes registrados: use «Nuevo paciente…» para añadir el primero</translation>
    </message>
    <message>
        <source>, or tick “Show discharged”</source>
        <translation> o marque «Mostrar altas»</translation>
    </message>
    <message>
        <source>No active patient {how}. {advice}.</source>
        <translation>Ningún paciente activo {how}. {advice}.</translation>
    </message>
    <message>
        <source>No patient {how}. {advice}.</source>
        <translation>Ningún paciente {how}. {advice}.</translation>
    </message>
    <message>
        <source>{count} active patient {how}</source>
        <translation>{count} paciente activo {how}</translation>
    </message>
    <message>
        <source>{count} active patients {how}</source>
        <translation>{count} pacientes activos {how}</translation>
    </message>
    <message>
        <source>{count} patient {how}</source>
        <translation>{count} paciente {how}</translation>
    </message>
    <message>
        <source>{count} patients {how}</source>
        <translation>{count} pacientes {how}</translation>
    </message>
    <message>
        <source> (scroll for more)</source>
        <translation> (desplácese para ver más)</translation>
    </message>
    <message>
        <source>Edit patient</source>
        <translation>Editar paciente</translation>
    </message>
    <message>
        <source>Discharge</source>
        <translation>Dar de alta</translation>
    </message>
    <message>
        <source>Readmit</source>
        <translation>Reingresar</translation>
    </message>
    <message>
        <source>Readmit…</source>
        <translation>Reingresar…</translation>
    </message>
</context>
<context>
    <name>ReferralsPage</name>
    <message>
        <source>Past their target: no appointment by the due date, or no report 14 days after the visit. Chase the specialist&apos;s office.</source>
        <translation>Fuera de plazo: sin cita en la fecha límite o sin informe 14 días después de la visita. Reclame a la consulta del especialista.</translation>
    </message>
    <message>
        <source>Drafts ready to go. Select them, choose Letters… to save or print their letters, and Mark sent… once they have left (print, fax, e-mail or portal).</source>
        <translation>Borradores listos para enviar. Selecciónelos, elija Cartas… para guardar o imprimir sus cartas y Marcar como enviadas… cuando hayan salido (papel, fax, correo o portal).</translation>
    </message>
    <message>
        <source>Sent; waiting for the specialist to accept.</source>
        <translation>Enviadas; a la espera de que el especialista las acepte.</translation>
    </message>
    <message>
        <source>Accepted by the specialist; book the appointment.</source>
        <translation>Aceptadas por el especialista; hay que dar la cita.</translation>
    </message>
    <message>
        <source>Booked. A passed appointment date means the visit still needs recording.</source>
        <translation>Con cita. Si la fecha ya pasó, falta registrar la visita.</translation>
    </message>
    <message>
        <source>Seen. Drop the specialist&apos;s report (PDF or image) on its row, or select the row and choose Attach report…, to close the loop.</source>
        <translation>Atendidas. Suelte el informe del especialista (PDF o imagen) sobre su fila, o seleccione la fila y elija Adjuntar informe…, para cerrar el circuito.</translation>
    </message>
    <message>
        <source>Approved authorisations ending within 14 days or down to one visit.</source>
        <translation>Autorizaciones aprobadas que vencen en 14 días o a las que solo les queda una visita.</translation>
    </message>
    <message>
        <source>Waiting for the payer&apos;s decision (7 days standard, 72 hours expedited).</source>
        <translation>A la espera de la decisión de la aseguradora (7 días la ordinaria, 72 horas la urgente).</translation>
    </message>
    <message>
        <source>Paused referrals: open one to resume or cancel it.</source>
        <translation>Derivaciones en pausa: abra una para reanudarla o cancelarla.</translation>
    </message>
    <message>
        <source>Booked later than the appointment target: ask the specialist&apos;s office for an earlier slot, or offer another specialist.</source>
        <translation>Citadas después del plazo: pida a la consulta del especialista una cita antes u ofrezca otro especialista.</translation>
    </message>
    <message>
        <source>Held referrals past their review date: resume or cancel them.</source>
        <translation>Derivaciones en pausa con la revisión vencida: reanúdelas o cancélelas.</translation>
    </message>
    <message>
        <source>Report received, declined or cancelled; newest first.</source>
        <translation>Con informe recibido, rechazadas o canceladas; las más recientes primero.</translation>
    </message>
    <message>
        <source>Export worklist</source>
        <translation>Exportar lista de trabajo</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Archivos CSV (*.csv)</translation>
    </message>
    <message>
        <source>File the report</source>
        <translation>Archivar el informe</translation>
    </message>
    <message>
        <source>File “{file}” as the specialist&apos;s report for {what}?

This closes the referral&apos;s loop.</source>
        <translation>¿Archivar «{file}» como informe del especialista de {what}?

Con esto se cierra el circuito de la derivación.</translation>
    </message>
    <message>
        <source>Referrals</source>
        <translation>Derivaciones</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>Refresh the worklist</source>
        <translation>Actualizar la lista de trabajo</translation>
    </message>
    <message>
        <source>Refresh (F5)</source>
        <translation>Actualizar (F5)</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exportar CSV…</translation>
    </message>
    <message>
        <source>Export this view to a CSV file</source>
        <translation>Exportar esta vista a un archivo CSV</translation>
    </message>
    <message>
        <source>Save every row of this view (logistics only) as CSV</source>
        <translation>Guardar todas las filas de esta vista (solo logística) como CSV</translation>
    </message>
    <message>
        <source>Worklist views</source>
        <translation>Vistas de la lista de trabajo</translation>
    </message>
    <message>
        <source>All disciplines</source>
        <translation>Todas las especialidades</translation>
    </message>
    <message>
        <source>Any priority</source>
        <translation>Cualquier prioridad</translation>
    </message>
    <message>
        <source>Sent from:</source>
        <translation>Enviadas desde:</translation>
    </message>
    <message>
        <source>to:</source>
        <translation>hasta:</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Quitar filtros</translation>
    </message>
    <message>
        <source>Filter by discipline</source>
        <translation>Filtrar por especialidad</translation>
    </message>
    <message>
        <source>Filter by priority</source>
        <translation>Filtrar por prioridad</translation>
    </message>
    <message>
        <source>Filter by recipient</source>
        <translation>Filtrar por destinatario</translation>
    </message>
    <message>
        <source>From date</source>
        <translation>Desde la fecha</translation>
    </message>
    <message>
        <source>To date</source>
        <translation>Hasta la fecha</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Abrir</translation>
    </message>
    <message>
        <source>Open the selected referral</source>
        <translation>Abrir la derivación seleccionada</translation>
    </message>
    <message>
        <source>Open the referral (Enter or double-click)</source>
        <translation>Abrir la derivación (Intro o doble clic)</translation>
    </message>
    <message>
        <source>Mark sent…</source>
        <translation>Marcar como enviadas…</translation>
    </message>
    <message>
        <source>Mark the selected referrals sent</source>
        <translation>Marcar como enviadas las derivaciones seleccionadas</translation>
    </message>
    <message>
        <source>Attach report…</source>
        <translation>Adjuntar informe…</translation>
    </message>
    <message>
        <source>Attach the specialist&apos;s report</source>
        <translation>Adjuntar el informe del especialista</translation>
    </message>
    <message>
        <source>Letters…</source>
        <translation>Cartas…</translation>
    </message>
    <message>
        <source>Letters for the selected referrals</source>
        <translation>Cartas de las derivaciones seleccionadas</translation>
    </message>
    <message>
        <source>Save or print the letters of the selected referrals in one go (Ctrl+A selects all)</source>
        <translation>Guardar o imprimir de una vez las cartas de las derivaciones seleccionadas (Ctrl+A selecciona todas)</translation>
    </message>
    <message>
        <source>Referrals in this view</source>
        <translation>Derivaciones de esta vista</translation>
    </message>
    <message>
        <source>Any recipient</source>
        <translation>Cualquier destinatario</translation>
    </message>
    <message>
        <source> (inactive)</source>
        <translation> (inactivo)</translation>
    </message>
    <message>
        <source>The end date is before the start date.</source>
        <translation>La fecha final es anterior a la inicial.</translation>
    </message>
    <message>
        <source>Select the drafts that have been sent.</source>
        <translation>Seleccione los borradores que ya se han enviado.</translation>
    </message>
    <message>
        <source>Marked {count} referral sent by {how}.</source>
        <translation>{count} derivación marcada como enviada por {how}.</translation>
    </message>
    <message>
        <source>Marked {count} referrals sent by {how}.</source>
        <translation>{count} derivaciones marcadas como enviadas por {how}.</translation>
    </message>
    <message>
        <source>Not sent: {problems}</source>
        <translation>No enviadas: {problems}</translation>
    </message>
    <message>
        <source>Select the referrals whose letters you want.</source>
        <translation>Seleccione las derivaciones cuyas cartas necesita.</translation>
    </message>
    <message>
        <source>Select one referral to attach its report.</source>
        <translation>Seleccione una derivación para adjuntar su informe.</translation>
    </message>
    <message>
        <source>Report not filed</source>
        <translation>No se archivó el informe</translation>
    </message>
    <message>
        <source>Report filed for {what}; the referral is closed.</source>
        <translation>Informe archivado para {what}; la derivación queda cerrada.</translation>
    </message>
    <message>
        <source>Exporting {view}…</source>
        <translation>Exportando {view}…</translation>
    </message>
    <message>
        <source>Referrals — {view}</source>
        <translation>Derivaciones — {view}</translation>
    </message>
    <message>
        <source>Discipline</source>
        <translation>Especialidad</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>Destinatario</translation>
    </message>
    <message>
        <source>Created from:</source>
        <translation>Creadas desde:</translation>
    </message>
    <message>
        <source>{count} referral</source>
        <translation>{count} derivación</translation>
    </message>
    <message>
        <source>{count} referrals</source>
        <translation>{count} derivaciones</translation>
    </message>
    <message>
        <source>Showing {shown} of {total}</source>
        <translation>Mostrando {shown} de {total}</translation>
    </message>
    <message>
        <source>more than {cap}</source>
        <translation>más de {cap}</translation>
    </message>
    <message>
        <source>{view}, {count} referrals</source>
        <translation>{view}, {count} derivaciones</translation>
    </message>
    <message>
        <source>Counts unavailable: {error}</source>
        <translation>Recuentos no disponibles: {error}</translation>
    </message>
    <message>
        <source>Saved {name}.</source>
        <translation>Guardado {name}.</translation>
    </message>
    <message>
        <source>Export failed.</source>
        <translation>No se pudo exportar.</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>Error al exportar</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in — CareCoord</source>
        <translation>Iniciar sesión — CareCoord</translation>
    </message>
    <message>
        <source> — DEMO</source>
        <translation> — DEMO</translation>
    </message>
    <message>
        <source>Sign in to see and change patient information.</source>
        <translation>Inicie sesión para ver y modificar la información de los pacientes.</translation>
    </message>
    <message>
        <source>Demo clinic with fictional patients: sign in as drlee (physician), therapist (clinician), frontdesk (front desk) or admin (administrator); the password is demo.</source>
        <translation>Clínica de demostración con pacientes ficticios: entre como drlee (médico), therapist (clínico), frontdesk (recepción) o admin (administrador); la contraseña es demo.</translation>
    </message>
    <message>
        <source>Set up my clinic instead…</source>
        <translation>Configurar mi clínica…</translation>
    </message>
    <message>
        <source>Opening the database…</source>
        <translation>Abriendo la base de datos…</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Contraseña</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Usuario:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Contraseña:</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>Escriba su usuario y su contraseña.</translation>
    </message>
    <message>
        <source>That user name and password do not match an active account.</source>
        <translation>El usuario y la contraseña no corresponden a ninguna cuenta activa.</translation>
    </message>
</context>
<context>
    <name>Vocabulary</name>
    <message>
        <source>Pain medicine</source>
        <translation>Medicina del dolor</translation>
    </message>
    <message>
        <source>Physical rehabilitation (PM&amp;R)</source>
        <translation>Medicina física y rehabilitación</translation>
    </message>
    <message>
        <source>Psychiatry</source>
        <translation>Psiquiatría</translation>
    </message>
    <message>
        <source>Neurology / headache medicine</source>
        <translation>Neurología / cefaleas</translation>
    </message>
    <message>
        <source>Anesthesiology</source>
        <translation>Anestesiología</translation>
    </message>
    <message>
        <source>Neurosurgery</source>
        <translation>Neurocirugía</translation>
    </message>
    <message>
        <source>Internal medicine</source>
        <translation>Medicina interna</translation>
    </message>
    <message>
        <source>Physical therapy</source>
        <translation>Fisioterapia</translation>
    </message>
    <message>
        <source>Psychology</source>
        <translation>Psicología</translation>
    </message>
    <message>
        <source>Social work</source>
        <translation>Trabajo social</translation>
    </message>
    <message>
        <source>Occupational health</source>
        <translation>Salud laboral</translation>
    </message>
    <message>
        <source>Complementary &amp; alternative medicine</source>
        <translation>Medicina complementaria y alternativa</translation>
    </message>
    <message>
        <source>Chronic-pain rehabilitation program</source>
        <translation>Programa de rehabilitación del dolor crónico</translation>
    </message>
    <message>
        <source>Other specialist</source>
        <translation>Otro especialista</translation>
    </message>
    <message>
        <source>Routine</source>
        <translation>Ordinaria</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgente</translation>
    </message>
    <message>
        <source>ASAP</source>
        <translation>Preferente</translation>
    </message>
    <message>
        <source>STAT</source>
        <translation>Inmediata</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Borrador</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Enviada</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>Aceptada</translation>
    </message>
    <message>
        <source>Scheduled</source>
        <translation>Citada</translation>
    </message>
    <message>
        <source>Seen</source>
        <translation>Atendida</translation>
    </message>
    <message>
        <source>Report received</source>
        <translation>Informe recibido</translation>
    </message>
    <message>
        <source>Declined</source>
        <translation>Rechazada</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelada</translation>
    </message>
    <message>
        <source>On hold</source>
        <translation>En pausa</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>Discharged</source>
        <translation>Dado de alta</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>Mujer</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>Hombre</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Otro</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Desconocido</translation>
    </message>
    <message>
        <source>Not required</source>
        <translation>No necesaria</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Pendiente</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Aprobada</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Denegada</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>Papel</translation>
    </message>
    <message>
        <source>Fax</source>
        <translation>Fax</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>Portal</source>
        <translation>Portal</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Administrador</translation>
    </message>
    <message>
        <source>Physician</source>
        <translation>Médico</translation>
    </message>
    <message>
        <source>Clinician</source>
        <translation>Clínico</translation>
    </message>
    <message>
        <source>Front desk</source>
        <translation>Recepción</translation>
    </message>
    <message>
        <source>To send</source>
        <translation>Por enviar</translation>
    </message>
    <message>
        <source>Awaiting acceptance</source>
        <translation>Pendientes de aceptación</translation>
    </message>
    <message>
        <source>To schedule</source>
        <translation>Por citar</translation>
    </message>
    <message>
        <source>Awaiting visit</source>
        <translation>Pendientes de visita</translation>
    </message>
    <message>
        <source>Awaiting report</source>
        <translation>Pendientes de informe</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>Con retraso</translation>
    </message>
    <message>
        <source>Authorisations expiring</source>
        <translation>Autorizaciones por vencer</translation>
    </message>
    <message>
        <source>Authorisations pending</source>
        <translation>Autorizaciones pendientes</translation>
    </message>
    <message>
        <source>Booked past target</source>
        <translation>Citadas fuera de plazo</translation>
    </message>
    <message>
        <source>Holds past review</source>
        <translation>Pausas con revisión vencida</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Cerradas</translation>
    </message>
</context>
<context>
    <name>WorklistModel</name>
    <message>
        <source>Patient</source>
        <translation>Paciente</translation>
    </message>
    <message>
        <source>MRN</source>
        <translation>N.º historia</translation>
    </message>
    <message>
        <source>Discipline</source>
        <translation>Especialidad</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>Destinatario</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Enviada el</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Vence</translation>
    </message>
    <message>
        <source>Appointment</source>
        <translation>Cita</translation>
    </message>
    <message>
        <source>Days overdue</source>
        <translation>Días de retraso</translation>
    </message>
    <message>
        <source>Authorisation</source>
        <translation>Autorización</translation>
    </message>
    <message>
        <source>to {date}</source>
        <translation>hasta {date}</translation>
    </message>
    <message>
        <source>{count} visit left</source>
        <translation>queda {count} visita</translation>
    </message>
    <message>
        <source>{count} visits left</source>
        <translation>quedan {count} visitas</translation>
    </message>
    <message>
        <source>Not chosen</source>
        <translation>Sin elegir</translation>
    </message>
    <message>
        <source> · {count} no-show</source>
        <translation> · {count} inasistencia</translation>
    </message>
    <message>
        <source> · {count} no-shows</source>
        <translation> · {count} inasistencias</translation>
    </message>
    <message>
        <source> · ⚠ review due</source>
        <translation> · ⚠ revisión pendiente</translation>
    </message>
    <message>
        <source>⚠ {date} (past target)</source>
        <translation>⚠ {date} (fuera de plazo)</translation>
    </message>
    <message>
        <source>{date} (passed: record the visit)</source>
        <translation>{date} (ya pasó: registre la visita)</translation>
    </message>
    <message>
        <source>⚠ {days} d</source>
        <translation>⚠ {days} d</translation>
    </message>
    <message>
        <source>Days past the target (appointment or report due date)</source>
        <translation>Días de retraso sobre el plazo (fecha de cita o de informe)</translation>
    </message>
    <message>
        <source>Overdue by {days} days (due {date})</source>
        <translation>Con {days} días de retraso (vencía el {date})</translation>
    </message>
    <message>
        <source>The appointment date has passed: record whether it took place</source>
        <translation>La fecha de la cita ya pasó: registre si se realizó</translation>
    </message>
    <message>
        <source>{text}, overdue</source>
        <translation>{text}, con retraso</translation>
    </message>
</context>
</TS>
